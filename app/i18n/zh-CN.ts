import type { Messages } from './messages.ts';

export const zhCN: Messages = {
  htmlLang: 'zh-CN',
  languageName: '中文',
  title: '万物 · 看看照片里有什么',
  appName: '万物',
  tagline: '拍一张照片，看看里面有什么。',
  privacy: '识别完全在你的设备上进行，照片不会上传。',
  offlineReady: '已可离线使用',
  pickPhoto: '拍照或选择照片',
  dropOrPaste: '也可以把照片拖到这里，或按 Ctrl+V 粘贴',
  dropHere: '松开即可识别',
  preparingModels: '正在准备模型…',
  downloadingModels: (loaded, total) => `下载模型… ${loaded} / ${total} MB`,
  recognising: '识别中…',
  photoAlt: '你选择的照片',
  tagsTitle: '照片里有',
  noTags: '没有认出什么。换个角度或靠近一点再试试？',
  moreTags: (count) => `其他可能 (${count})`,
  switchLanguage: '切换语言',
  details: '技术详情',
  provider: '执行后端',
  threads: '线程数',
  modelVersion: '模型版本',
  timings: '各阶段耗时',
  stages: {
    decode: '解码',
    preprocess: '预处理',
    detector: '检测模型',
    classifier: '分类模型',
    postprocess: '后处理',
    total: '总计',
  },
  retry: '重试',
  errors: {
    'not-an-image': '这不是图片文件。请选择一张照片（JPEG、PNG 或 WebP）。',
    'unsupported-format': '暂不支持这种图片格式（例如 HEIC）。请选择 JPEG、PNG 或 WebP 照片。',
    'corrupt-image': '这张图片已损坏或不完整，无法读取。',
    'image-too-large': '这张图片太大了（超过 1 亿像素）。请选择小一些的照片。',
    'model-unavailable': '识别模型加载失败。请连接网络后重试。',
    'inference-failed': '识别时出了点问题。请再试一次。',
  },
  // -- feedback on the result screen (verdicts, add tag, quick question, personal tags) --
  // -- end feedback --
  // -- history, settings, storage --
  // -- end history --
};
